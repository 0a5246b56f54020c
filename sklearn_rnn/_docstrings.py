"""Parameter documentation shared by the estimators, written once."""

from __future__ import annotations

SHARED_PARAMETERS = """\
    cell : {"rnn", "lstm", "gru"}, default="lstm"
        Recurrent layer: ``torch.nn.RNN``, ``torch.nn.LSTM`` or ``torch.nn.GRU``.
        It starts much as Keras initialises it, gate by gate: input weights
        from Glorot's uniform distribution, orthogonal recurrent weights,
        zero biases, and an LSTM's forget-gate bias at 1.

    hidden_size : int, default=64
        Units per recurrent layer (and per direction).

    num_layers : int, default=1
        Number of stacked recurrent layers.

    bidirectional : bool, default=False
        Also read every sequence backwards in time.

    dropout : float, default=0.0
        Dropout probability between stacked layers and before the output layer.

    nonlinearity : {"tanh", "relu"}, default="tanh"
        Activation of the vanilla RNN; only used with ``cell="rnn"``.

    embedding_dim : int or None, default=None
        If set, ``X`` holds integer token ids (0 = padding), as produced by
        :class:`TextTokenizer` and :class:`SequencePadder`, and they are fed
        through an ``nn.Embedding`` of this width, initialised from
        U(-0.05, 0.05) as in Keras. The vocabulary size is learnt from the
        data (``vocabulary_size_``).

    pooling : {"last", "mean", "max"}, default="last"
        How a sequence becomes one vector: the output at its last real step
        (both directions when bidirectional), or the mean or maximum over its
        real steps. Padding never enters.

    max_epochs : int, default=200
        Most passes over the training data in ``fit``. As in
        ``MLPClassifier``, training stops earlier once the loss has not
        improved by more than ``tol`` for ``n_iter_no_change`` epochs (the
        training loss, or with ``early_stopping`` the validation loss); if
        ``max_epochs`` ends a fit that is still learning, a
        ``ConvergenceWarning`` says so.

    batch_size : int, default=64
        Sequences per gradient step (and per batch at predict).

    lr : float, default=1e-3
        Initial learning rate. It is halved whenever the monitored loss (see
        ``n_iter_no_change``) has not improved for ``n_iter_no_change // 3``
        epochs (torch's ``ReduceLROnPlateau``); on the training loss, when
        the epoch that halves it is a spike (above the best loss by more
        than 5% of all the loss has fallen in this fit), the loss to beat is
        that epoch's, so a loss falling back after a jump is not halved
        again. Each ``fit`` and ``partial_fit``
        starts again from ``lr``.

    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch.optim.Optimizer class, \
default="adam"
        Optimizer, by name or as a class.

    weight_decay : float, default=0.0
        Weight decay (L2 penalty) passed to the optimizer.

    clip_grad_norm : float or None, default=1.0
        Maximum norm of the gradient; None turns clipping off.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        classifiers), stop once the validation loss has not improved by more
        than ``tol`` for ``n_iter_no_change`` epochs, and restore the weights
        of the best epoch. If ``max_epochs`` ends training first, a
        ``ConvergenceWarning`` says so.

    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.

    n_iter_no_change : int, default=10
        Epochs without improvement of the monitored loss (validation loss
        with ``early_stopping``, training loss otherwise) before training
        stops. Improvement is measured against the best loss so far; on the
        training loss, once a spike has halved the learning rate (see
        ``lr``), against the loss of that epoch. So a training loss that
        jumps up and is falling back counts as improving instead of stopping
        the fit, while a loss that has levelled off (noise, no spike) stops
        as before.

    tol : float, default=1e-4
        Smallest decrease of the monitored loss that counts as improvement
        (an absolute amount, as in ``MLPClassifier``).

    device : str or torch.device, default="auto"
        ``"auto"`` uses CUDA when available, then Apple MPS, else the CPU.
        Any torch device string is accepted; a device this machine lacks is
        a ``ValueError``. The device used is ``device_``.

    precision : {"32", "bf16"}, default="32"
        Arithmetic of the network's forward pass, in training and
        prediction. ``"32"`` is float32 throughout. ``"bf16"`` runs it under
        ``torch.autocast`` in bfloat16 (mixed precision: weights, gradients,
        the loss and the optimizer stay float32), which halves LSTM training
        time on CPUs with AVX512-BF16 or AMX at the cost of about three
        significant digits in the outputs (GRU and vanilla RNN get slower;
        see the benchmarks). CPU only for now: on other devices it is a
        ``ValueError``.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout and the validation
        split. With an int, two fits on the CPU give identical predictions.

    verbose : int, default=0
        0 is silent, 1 prints a line per epoch with the train (and validation)
        loss and duration, 2 adds a progress bar over the batches.

    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks, passed through to the underlying net.

    warm_start : bool, default=False
        When True, ``fit`` continues from the weights of the previous fit
        instead of starting anew; parameters changed with ``set_params``
        since then (``lr``, ``batch_size``, ``optimizer``, ...) take effect,
        and a change of one that shapes the network is a ``ValueError``.

    mask_value : float or None, default=None
        Float input only: a time step whose features all equal
        ``mask_value`` (``np.nan`` allowed) at the padded end (post-padding)
        or start (pre-padding) of a sequence is padding and is skipped, as
        Keras ``Masking`` does. Sequences padded by
        ``SequencePadder(value=mask_value)`` then give the same outputs as
        the ragged list. None reads every step as data."""

SCALE_X_PARAMETER = """\
    scale_X : bool, default=True
        Float input only: standardise each feature of ``X`` for the network,
        with :class:`SequenceScaler`'s statistics (mean and standard
        deviation over every real time step of the training sequences,
        weighted by ``sample_weight``; padding is left out and left alone,
        a constant feature gets scale 1). Without sample weights the model
        predicts as ``make_pipeline(SequenceScaler(), model)`` with
        ``scale_X=False``. The statistics (``x_mean_``, ``x_scale_``) are
        learnt in the first fit (of ``partial_fit``: its first call's data)
        and kept by warm starts and ``partial_fit``, where changing
        ``scale_X`` is a ``ValueError``; ``export_onnx`` folds them into the
        graph. Token
        ids are never scaled. False feeds ``X`` as it is, for input already
        near unit scale whose features' relative sizes matter."""

SCALE_X_ATTRIBUTES = """\
    x_mean_ : ndarray of shape (n_step_features,)
        With ``scale_X`` and float input: the mean of each feature per time
        step, over the real steps of the first fit.

    x_scale_ : ndarray of shape (n_step_features,)
        With ``scale_X`` and float input: the standard deviation of each
        feature (1 for a constant feature)."""

SHARED_ATTRIBUTES = """\
    n_features_in_ : int
        For 2-D input, the number of columns (time steps); for 3-D and
        variable-length input, the number of features per time step.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names, when ``X`` was a DataFrame with string column names.

    module_ : torch.nn.Module
        The trained network.

    net_ : skorch.NeuralNet
        The skorch net that trained ``module_``, for power users.

    history_ : list of dict
        One dict per epoch: ``epoch``, ``train_loss``, ``valid_loss`` (with
        early stopping), ``lr`` (the learning rate of that epoch) and ``dur``
        (seconds).

    n_iter_ : int
        Epochs run.

    vocabulary_size_ : int
        With ``embedding_dim`` set: number of token ids the embedding knows
        (the largest id seen in ``fit`` plus one).

    device_ : torch.device
        The device the model was trained on."""


def fill_doc(cls):
    """Fill the ``{shared_...}`` and ``{scale_X_...}`` slots of a docstring."""
    cls.__doc__ = (
        cls.__doc__.replace("    {shared_parameters}", SHARED_PARAMETERS)
        .replace("    {shared_attributes}", SHARED_ATTRIBUTES)
        .replace("    {scale_X_parameter}", SCALE_X_PARAMETER)
        .replace("    {scale_X_attributes}", SCALE_X_ATTRIBUTES)
    )
    return cls
