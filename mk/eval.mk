# Evaluation: `make eval` runs the question sets against every retrieval config and writes reports/:
# eval-<stamp>.html/.md/.json (the report: verdict on the live set-up first, comparison set-ups folded away),
# eval-summary.md (verdict and key figures, to paste into a note) and eval-history.json (for "sinds de vorige meting").
# Pass options with EVAL_ARGS, e.g. `make eval EVAL_ARGS="--configs hybrid --target api"`.
EVAL_ARGS ?=

eval: setup
	$(PY) -m knowledge.eval $(EVAL_ARGS)
