# Evaluation: `make eval` runs the question sets against every retrieval config and writes reports/.
# Pass options with EVAL_ARGS, e.g. `make eval EVAL_ARGS="--configs hybrid --target api"`.
EVAL_ARGS ?=

eval: setup
	$(PY) -m knowledge.eval $(EVAL_ARGS)
