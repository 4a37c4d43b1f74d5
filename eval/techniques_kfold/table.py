"""The fold table of a k-fold report of ``python -m propscope.train.kfold`` (the README's table).

    python eval/techniques_kfold/table.py eval/techniques_kfold/report.json
"""

import json, sys
r = json.load(open(sys.argv[1]))
M = [("si_f1", "SI F1 (any technique)"), ("tc_f1", "TC micro-F1 (gold spans)"), ("report_precision", "report precision (FLC, default point)"),
     ("report_recall", "report recall"), ("report_f1", "report F1"), ("all_spans_flc_f1", "every span of the F1-tuned decoder, FLC F1")]
print(f"k = {r['k']}, seed {r['seed']}, {r['articles']} articles, folds done {r['folds_done']}, device {r['device']}\n")
print("| measure | " + " | ".join(f"fold {f['fold']} ({len(f['test_ids'])} articles)" for f in r["folds"]) + " | mean ± sd |")
print("|---|" + "---|" * (len(r["folds"]) + 1))
for key, name in M:
    s = r["summary"][key]
    print(f"| {name} | " + " | ".join(f"{f[key]:.3f}" for f in r["folds"]) + f" | {s['mean']:.3f} ± {s['sd']:.3f} |")
print("| spans shown by default | " + " | ".join(str(f["report_spans"]) for f in r["folds"]) + " | |")
print("| techniques shown by default | " + " | ".join(", ".join(f["shown_techniques"]) or "none" for f in r["folds"]) + " | |")
print("| training minutes | " + " | ".join(f"{f['train_seconds']/60:.0f}" for f in r["folds"]) + " | |")
