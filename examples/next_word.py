"""Next-word prediction with a simple RNN over token windows.

The paragraph is tokenized once; every window of up to ``context`` previous
words becomes a sample whose label is the word that follows. The windows
have different lengths, so they go to the classifier as a ragged list of
token ids: no padding needed.
"""

# %%
import numpy as np
import torch
from sklearn.metrics import log_loss

from sklearn_rnn import RNNClassifier, TextTokenizer

PARAGRAPH = (
    "Deep learning is a subset of machine learning, which is essentially a "
    "neural network with three or more layers. These networks learn from "
    "large amounts of data by adjusting the weights that connect their "
    "layers. A network with a single layer can still make approximate "
    "predictions, but additional hidden layers help to refine the result. "
    "Deep learning drives many applications that recognise speech, translate "
    "text and describe images. Machine learning with deep networks needs "
    "more data and more computation than classic machine learning."
)


def word_windows(ids: np.ndarray, context: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Every run of 1..``context`` ids -> the id that follows it."""
    X, y = [], []
    for end in range(1, len(ids)):
        for width in range(1, min(context, end) + 1):
            X.append(ids[end - width : end])
            y.append(ids[end])
    return X, np.array(y)


def main(seed: int = 0, context: int = 4) -> dict:
    torch.set_num_threads(min(2, torch.get_num_threads()))
    tokenizer = TextTokenizer().fit([PARAGRAPH])
    ids = tokenizer.transform([PARAGRAPH])[0]
    X, y = word_windows(ids, context)
    model = RNNClassifier(
        cell="rnn",
        embedding_dim=32,
        hidden_size=64,
        max_epochs=60,
        batch_size=32,
        lr=5e-3,
        random_state=seed,
    ).fit(X, y)
    prompt = "Deep learning is a"
    next_id = model.predict(tokenizer.transform([prompt]))[0]
    perplexity = float(
        np.exp(log_loss(y, model.predict_proba(X), labels=model.classes_))
    )
    print(
        f"{len(X)} windows of up to {context} words, "
        f"vocabulary of {len(tokenizer.vocabulary_) - 1} words"
    )
    word = tokenizer.inverse_transform([[next_id]])[0][0]
    print(f"'{prompt}' -> '{word}'")
    print(f"perplexity on the training windows: {perplexity:.2f}")
    return {"next_word": word, "perplexity": perplexity}


if __name__ == "__main__":
    main()
