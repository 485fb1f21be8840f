"""Media on disk (PyAV): probe, input checks and conversion, thumbnails, waveform, scrubbing,
proxies. Returns plain data (numpy arrays, bytes); never imports Qt or httpx."""
