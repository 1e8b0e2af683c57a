"""``scratchnet.optim``: optimizers and learning-rate schedules with torch's names and behaviour."""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
