// CLI tests run TorchSharp work; running classes in parallel only oversubscribes two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
