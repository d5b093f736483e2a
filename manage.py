#!/usr/bin/env python
from gcmhub.cli import main

if __name__ == "__main__":
    main()
