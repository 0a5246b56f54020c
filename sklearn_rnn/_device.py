"""Device resolution: the only module that asks torch about hardware."""

from __future__ import annotations

import torch


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(device: str | torch.device) -> torch.device:
    """Turn the ``device`` parameter into the torch device to train on.

    Parameters
    ----------
    device : str or torch.device
        ``"auto"`` picks CUDA when available, then Apple MPS, else the CPU.
        Any other value is read as a torch device (``"cpu"``, ``"cuda"``,
        ``"cuda:1"``, ``"mps"``).

    Returns
    -------
    torch.device
        The device that will be used.

    Raises
    ------
    ValueError
        If the string is not a device torch knows, or names a device this
        machine does not have.

    Examples
    --------
    >>> from sklearn_rnn._device import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if isinstance(device, str) and device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; expected 'auto', 'cpu', "
            "'cuda', 'cuda:<index>' or 'mps'."
        ) from exc
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested but CUDA is not available on "
                "this machine; use device='auto' or device='cpu'."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} was requested but only "
                f"{torch.cuda.device_count()} CUDA device(s) exist."
            )
    elif resolved.type == "mps" and not _mps_available():
        raise ValueError(
            f"device={device!r} was requested but Apple MPS is not available on "
            "this machine; use device='auto' or device='cpu'."
        )
    elif resolved.type not in ("cpu", "cuda", "mps"):
        raise ValueError(
            f"device={device!r} is not supported; expected 'auto', 'cpu', 'cuda' "
            "or 'mps'."
        )
    return resolved


def check_precision(precision: str, device: torch.device) -> None:
    """Raise a ``ValueError`` if ``device`` cannot run ``precision``.

    Parameters
    ----------
    precision : {"32", "bf16"}
        The estimator's ``precision`` parameter.
    device : torch.device
        The device the network runs on.

    Examples
    --------
    >>> import torch
    >>> from sklearn_rnn._device import check_precision
    >>> check_precision("bf16", torch.device("cpu"))
    """
    if precision == "32":
        return
    # On CUDA, autocast's cuDNN RNN path computes in float16 whatever dtype
    # was asked for (without the loss scaling float16 needs): refused until
    # a bfloat16 path is built and measured on a GPU.
    if device.type != "cpu":
        raise ValueError(
            f"precision={precision!r} is supported on the CPU only for now; this "
            f"estimator runs on {str(device)!r}. Use precision='32' there."
        )
