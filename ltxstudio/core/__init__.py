"""Pure foundations: the API catalog, prices, time, events, errors. No Qt, httpx, PyAV or I/O."""
