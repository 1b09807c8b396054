using SelfCorrect.Alignment.Learners;
using SelfCorrect.Alignment.Tasks;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SelfCorrect.Alignment.Models;

/// <summary>
/// A GPT-2-style decoder over (query, response, reward) triplets, written out so every component can be switched.
/// Tokens: three per triplet, x, y_i and (r_i, 0, …, 0), each read in by one Linear(d → width). The prediction after
/// k triplets is read out at the x token of triplet k+1, which under the causal mask has seen triplets 1..k only.
/// </summary>
public sealed class InContextTransformer : Module<Tensor, Tensor, Tensor, Tensor>, IInContextLearner
{
    private readonly Linear readIn, readOut;
    private readonly Embedding? positions;
    private readonly ModuleList<Block> blocks;
    private readonly Module<Tensor, Tensor> finalNorm;

    /// <summary>A freshly initialised model of the given shape.</summary>
    /// <param name="config">The model's shape and switches; validated first.</param>
    /// <param name="name">The learner's name in tables and figures.</param>
    /// <param name="generator">
    /// Source of the <see cref="ModelInitialisation.Gpt2"/> draws (null: libtorch's global generator); libtorch's own
    /// defaults always draw from the global one.
    /// </param>
    public InContextTransformer(TransformerConfig config, Generator? generator = null, string name = "Transformer") : base(nameof(InContextTransformer))
    {
        config.Validate();
        Config = config;
        Name = name;
        readIn = Linear(config.Dimension, config.Width);
        positions = config.PositionEmbeddings ? Embedding(config.SequenceLength, config.Width) : null;
        blocks = new ModuleList<Block>(Enumerable.Range(0, config.Layers).Select(_ => new Block(config)).ToArray());
        finalNorm = config.LayerNorm ? LayerNorm(config.Width) : Identity();
        readOut = Linear(config.Width, config.Dimension);
        RegisterComponents();
        using (no_grad())
        {
            // TorchSharp's Embedding starts at N(0, 1); GPT-2 starts positions at N(0, 0.02) so they do not drown the
            // token content in the residual stream.
            positions?.weight!.normal_(0, 0.02, config.Initialisation == ModelInitialisation.Gpt2 ? generator : null);
            if (config.Initialisation == ModelInitialisation.Gpt2) InitialiseBackboneAsGpt2(generator);
        }
    }

    /// <summary>The model's shape and switches.</summary>
    public TransformerConfig Config { get; }
    /// <inheritdoc/>
    public string Name { get; }
    /// <summary>The transformer blocks, in order.</summary>
    public IList<Block> Blocks => blocks;
    /// <summary>The embedding of each token, d → width.</summary>
    public Linear ReadIn => readIn;
    /// <summary>The read-out at the query tokens, width → d.</summary>
    public Linear ReadOut => readOut;

    /// <summary>
    /// GPT-2's initialisation of the blocks (LayerNorm's 1 and 0 are libtorch's default already). The residual
    /// output projections are scaled by 1/√(2·layers) because each block adds two of them to the residual stream.
    /// </summary>
    private void InitialiseBackboneAsGpt2(Generator? generator)
    {
        double residual = 0.02 / Math.Sqrt(2.0 * Config.Layers);
        void Normal(Linear linear, double std)
        {
            linear.weight!.normal_(0, std, generator);
            linear.bias?.zero_();
        }
        foreach (var block in blocks)
        {
            Normal(block.Attention.Query, 0.02);
            Normal(block.Attention.Key, 0.02);
            Normal(block.Attention.Value, 0.02);
            Normal(block.Attention.Output, residual);
            if (block.FeedForward is not { } feedForward) continue;
            Normal(feedForward.Hidden, 0.02);
            Normal(feedForward.Output, residual);
        }
    }

    /// <summary>Interleaves contexts into tokens [B, 3N, d]: x, y_i, (r_i, 0, …, 0) for each triplet.</summary>
    public static Tensor Tokens(Tensor query, Tensor responses, Tensor rewards)
    {
        using var scope = NewDisposeScope();
        long b = responses.shape[0], n = responses.shape[1], d = responses.shape[2];
        var x = query.unsqueeze(1).expand(b, n, d);
        var r = functional.pad(rewards.unsqueeze(-1), [0, d - 1]);
        return stack([x, responses, r], dim: 2).view(b, 3 * n, d).MoveToOuterDisposeScope();
    }

    /// <summary>Outputs at every x token, [B, N, d]: index i has seen triplets 1..i (index 0 has seen none).</summary>
    public override Tensor forward(Tensor query, Tensor responses, Tensor rewards)
    {
        using var scope = NewDisposeScope();
        var tokens = Tokens(query, responses, rewards);
        var hidden = readIn.forward(tokens);
        if (positions is not null)
            hidden = hidden + positions.forward(arange(tokens.shape[1], dtype: ScalarType.Int64, device: tokens.device));
        foreach (var block in blocks) hidden = block.forward(hidden);
        var atQueries = finalNorm.forward(hidden).index_select(1, arange(0, tokens.shape[1], 3, dtype: ScalarType.Int64, device: tokens.device));
        return readOut.forward(atQueries).MoveToOuterDisposeScope();
    }

    /// <summary>The learner signature: predictions after k = 1..N-1 triplets, [B, N-1, d].</summary>
    public Tensor Predict(AlignmentBatch batch)
    {
        if (batch.Dimension != Config.Dimension || batch.ResponseCount > Config.ResponseCount)
            throw new ArgumentException($"model expects d = {Config.Dimension} and at most N = {Config.ResponseCount}; contexts have d = {batch.Dimension}, N = {batch.ResponseCount}");
        using var outputs = forward(batch.Query, batch.Responses, batch.Rewards);
        return outputs.narrow(1, 1, batch.PrefixCount).clone();
    }
}
