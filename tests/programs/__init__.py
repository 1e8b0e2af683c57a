"""Real PyTorch-style programs, written against torch/torchvision; tests/test_programs.py runs each
as written and with its imports swapped mechanically to scratchnet."""
