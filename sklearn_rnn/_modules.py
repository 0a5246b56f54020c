"""Torch modules. Nothing here knows about scikit-learn or skorch."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
POOLINGS = ("last", "mean", "max")


class RNNNetwork(nn.Module):
    """Optional embedding -> RNN/LSTM/GRU encoder -> pooling -> linear head.

    Batches are post-padded and come with the real length of every sequence.
    Outputs never depend on padding: a unidirectional encoder runs over the
    padded tensor (its output at a real step only sees earlier steps) and
    pooling gathers or masks the real steps; a bidirectional encoder on a
    batch of unequal lengths runs on a packed sequence, so its backward
    direction starts at each sequence's last real step.

    Parameters
    ----------
    input_size : int
        Features per time step (ignored when ``embedding_dim`` is set).
    output_size : int
        Width of the head: classes for a classifier, targets for a regressor.
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        Recurrent layer type.
    hidden_size : int, default=64
        Units per recurrent layer and direction.
    num_layers : int, default=1
        Stacked recurrent layers.
    bidirectional : bool, default=False
        Run a second encoder backwards in time.
    dropout : float, default=0.0
        Dropout between stacked layers and before the head.
    nonlinearity : {"tanh", "relu"}, default="tanh"
        Activation of ``cell="rnn"``.
    pooling : {"last", "mean", "max"}, default="last"
        How the encoder outputs become one vector per sequence.
    vocabulary_size : int or None, default=None
        Number of token ids (0 = padding) when ``embedding_dim`` is set.
    embedding_dim : int or None, default=None
        If set, inputs are token ids fed through ``nn.Embedding``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._modules import RNNNetwork
    >>> net = RNNNetwork(input_size=3, output_size=2, hidden_size=8)
    >>> x = torch.zeros(4, 5, 3)
    >>> net(x, torch.tensor([5, 3, 2, 1])).shape
    torch.Size([4, 2])
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        *,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        nonlinearity: str = "tanh",
        pooling: str = "last",
        vocabulary_size: int | None = None,
        embedding_dim: int | None = None,
    ) -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}; got {pooling!r}.")
        self.pooling = pooling
        self.bidirectional = bidirectional
        self.hidden_size = hidden_size
        if embedding_dim is None:
            self.embedding = None
        else:
            self.embedding = nn.Embedding(vocabulary_size, embedding_dim, padding_idx=0)
            input_size = embedding_dim
        rnn_kwargs = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.rnn = CELLS[cell](
            input_size,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bidirectional,
            dropout=dropout if num_layers > 1 else 0.0,
            **rnn_kwargs,
        )
        self._init_recurrent()
        # Identity when off: a zero-rate Dropout still costs a call per batch.
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)

    def _init_recurrent(self) -> None:
        """Initialise the embedding and the recurrent layer, Keras-like.

        Gate by gate (Keras draws each kind over all gates at once, so its
        input weights come out a little smaller): input weights from
        Glorot's uniform distribution, recurrent weights orthogonal, biases
        zero, and an LSTM's forget-gate bias 1 (Jozefowicz et al., 2015), so
        the cell keeps its state until it learns to forget; embeddings from
        U(-0.05, 0.05) (torch draws them from N(0, 1), which saturates
        Glorot-scaled gates). torch's own
        initialisation (every recurrent weight and bias from
        U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))) learnt far less on
        small data sets (benchmarks/README.md: GunPoint 0.71 -> 0.94,
        ArrowHead 0.37 -> 0.63 test accuracy, with the learning-rate schedule).
        """
        hidden = self.hidden_size
        lstm = isinstance(self.rnn, nn.LSTM)
        with torch.no_grad():
            if self.embedding is not None:
                nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
                self.embedding.weight[0].zero_()  # padding
            for name, param in self.rnn.named_parameters():
                blocks = param.split(hidden)
                if name.startswith("weight_ih"):
                    for block in blocks:
                        nn.init.xavier_uniform_(block)
                elif name.startswith("weight_hh"):
                    for block in blocks:
                        nn.init.orthogonal_(block)
                else:
                    param.zero_()
                    if lstm and name.startswith("bias_ih"):
                        blocks[1].fill_(1.0)  # gate order: input, forget, cell, output

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        # Unpickled weights are separate tensors: lay them out in one chunk
        # again, as cuDNN wants (a no-op on the CPU).
        self.rnn.flatten_parameters()

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Map a post-padded batch and its lengths to ``(batch, output_size)``."""
        if self.embedding is not None:
            x = self.embedding(x)
        width = x.shape[1]
        lengths = lengths.cpu()
        full = int(lengths.min()) == width
        if full or not self.bidirectional:
            out, _ = self.rnn(x)
        else:
            packed = pack_padded_sequence(
                x, lengths, batch_first=True, enforce_sorted=False
            )
            out, _ = pad_packed_sequence(
                self.rnn(packed)[0], batch_first=True, total_length=width
            )
        return self.head(self.dropout(self._pool(out, lengths, full)))

    def _pool(
        self, out: torch.Tensor, lengths: torch.Tensor, full: bool
    ) -> torch.Tensor:
        if self.pooling == "last":
            if full:
                last = out[:, -1]
            else:
                rows = torch.arange(out.shape[0], device=out.device)
                last = out[rows, (lengths - 1).to(out.device)]
            if self.bidirectional:
                # The backward direction has read the whole sequence at step 0.
                last = torch.cat(
                    [last[:, : self.hidden_size], out[:, 0, self.hidden_size :]], 1
                )
            return last
        if full:
            return out.mean(1) if self.pooling == "mean" else out.amax(1)
        lengths = lengths.to(out.device)
        real = torch.arange(out.shape[1], device=out.device)[None, :] < lengths[:, None]
        real = real.unsqueeze(-1)
        if self.pooling == "mean":
            return (out * real).sum(1) / lengths[:, None].to(out.dtype)
        return out.masked_fill(~real, float("-inf")).amax(1)
