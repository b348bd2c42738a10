"""The analysis cache: complete results on disk, keyed by the file and the parameters.

Pure (no Qt): :mod:`~sonolens.store.identity` names a file's content,
:mod:`~sonolens.store.codec` turns results into ``.npy`` arrays + JSON facts and back,
:mod:`~sonolens.store.entries` writes and reads one entry directory atomically and
:mod:`~sonolens.store.cache` keys, looks up, stores and evicts (LRU).
"""
