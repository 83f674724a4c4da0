"""python -m holotype"""

from holotype.cli.main import main

main()
