"""Run Ralph's LRS API (uvicorn) on its file-system backend, appending statements to one file.

Ralph 5.1.0's file-system LRS backend writes with its default operation, INDEX, which refuses to
write to a file that exists: the first POST creates ``fs_lrs.jsonl`` and every later one fails with
500 ("Statements bulk indexation failed"). Its own append mode is what a store needs, so this
launcher makes it the default and changes nothing else: validation, authentication, duplicate ids
and queries are Ralph's own. Run with Ralph's interpreter: ``build/ralph/bin/python run_ralph.py PORT``.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
