# The process clock starts first, so `--deadline` counts from here; `run_main` ends the process
# itself (threads still waiting on a peer are not waited for) with an exit code 0-3.
from generator.check.bounded import run_main
from generator.cli import main

run_main(main)
