"""The ``scratchnet`` command: ``scratchnet w5`` runs the seed's worked backprop example."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scratchnet", description="scratchnet: a NumPy engine that mirrors PyTorch")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("w5", help="the seed's worked backprop example, beside PyTorch")
    args = parser.parse_args(argv)
    if args.command in (None, "w5"):
        from .examples import w5

        return w5.main()
    parser.error(f"unknown command {args.command!r}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
