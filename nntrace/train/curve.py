"""The loss curve of a run: one point per epoch, in flat memory however long the run."""

from __future__ import annotations


class LossCurve:
    """The loss of every epoch, in at most `capacity` points: memory stays flat however long
    the run. When full, neighbouring points merge, so each point is the mean of `width` epochs."""

    def __init__(self, capacity: int = 1000):
        self.capacity = capacity - capacity % 2
        self.points: list[float] = []
        self.width = 1
        self.epochs = 0
        self.first: float | None = None
        self.last: float | None = None
        self._sum = 0.0
        self._count = 0

    def add(self, loss: float) -> None:
        if self.first is None:
            self.first = loss
        self.last = loss
        self.epochs += 1
        self._sum += loss
        self._count += 1
        if self._count == self.width:
            self.points.append(self._sum / self.width)
            self._sum, self._count = 0.0, 0
            if len(self.points) == self.capacity:
                self.points = [(a + b) / 2 for a, b in zip(self.points[::2], self.points[1::2])]
                self.width *= 2

    def series(self) -> list[tuple[float, float]]:
        """(epoch, loss) pairs, each point placed at the middle of the epochs it averages."""
        pairs = [(i * self.width + (self.width + 1) / 2, loss) for i, loss in enumerate(self.points)]
        if self._count:
            start = len(self.points) * self.width
            pairs.append((start + (self._count + 1) / 2, self._sum / self._count))
        return pairs
