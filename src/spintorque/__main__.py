"""``python -m spintorque`` runs the command line."""

from spintorque.cli import main

main()
