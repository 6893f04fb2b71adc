"""A tqdm bar per stage of a backup or restore, on stderr when it is a terminal."""

from __future__ import annotations

from typing import Any

from tqdm import tqdm

from luohu.ops.backup import Progress


class Bars:
    def __init__(self, stream: Any, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.bars: list[Any] = []

    def __call__(self, label: str, total: int | None) -> Progress:
        # disable=None: tqdm draws only when the stream is a terminal.
        bar = tqdm(
            total=total,
            desc=label,
            unit="B" if label == "bytes" else "",
            unit_scale=label == "bytes",
            file=self.stream,
            disable=None if self.enabled else True,
        )
        self.bars.append(bar)
        return bar.update

    def close(self) -> None:
        for bar in self.bars:
            bar.close()
