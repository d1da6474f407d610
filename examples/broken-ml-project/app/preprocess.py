"""Image preprocessing for the inference server."""
import numpy as np
from PIL import Image
from torchvision.transforms import functional_tensor as F_t


def load(path: str) -> np.ndarray:
    image = Image.open(path).resize((512, 512), Image.ANTIALIAS)
    array = np.asarray(image).astype(np.float)
    return F_t.normalize(array, mean=[0.5], std=[0.5])
