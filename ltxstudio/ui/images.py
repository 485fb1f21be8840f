"""numpy RGB arrays from the media layer → Qt images (on the UI thread)."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage


def to_qimage(rgb: np.ndarray) -> QImage:
    """An owning copy of an HxWx3 uint8 array as a QImage."""
    array = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width = array.shape[:2]
    image = QImage(array.data, width, height, 3 * width, QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer before it is freed
