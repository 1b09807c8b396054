// Torch-heavy tests share two cores: running classes in parallel only oversubscribes them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
