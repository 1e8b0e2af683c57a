"""FakeData, as ``torchvision.datasets.FakeData``: random images whose item ``i`` is the same every
time (drawn after seeding the global generator with ``i + random_offset``, which is restored after)."""

from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` (C, H, W) with labels in [0, num_classes)."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.image_size, self.num_classes, self.random_offset = size, image_size, num_classes, random_offset

    def __getitem__(self, index):
        import scratchnet

        from ..transforms.functional import to_pil_image

        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        state = scratchnet.get_rng_state()
        scratchnet.manual_seed(index + self.random_offset)
        image = scratchnet.randn(*self.image_size)
        target = scratchnet.randint(0, self.num_classes, size=(1,), dtype=scratchnet.long)[0]
        scratchnet.set_rng_state(state)
        image = to_pil_image(image)
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target.item()

    def __len__(self):
        return self.size
