"""A Python task: params arrive as JSON in WEFT_PARAMS, outputs go to $WEFT_OUTPUT."""
import json
import os
import sys

params = json.loads(os.environ["WEFT_PARAMS"])
words = int(sys.argv[1])
print(f"{params['who']} asked for a summary of {words} words")
with open(os.environ["WEFT_OUTPUT"], "a", encoding="utf-8") as out:
    out.write(f"verdict={'long' if words > 10 else 'short'}\n")
