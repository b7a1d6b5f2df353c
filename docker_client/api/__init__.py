"""One thin mixin per Engine API resource; ``Client`` combines them."""
