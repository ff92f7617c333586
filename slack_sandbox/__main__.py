import sys

from slack_sandbox.cli import main

sys.exit(main())
