using SelfCorrect.Alignment.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SelfCorrect.Alignment.Construction;

/// <summary>
/// A transformer whose weights are written by hand so that its forward pass performs gradient descent on the
/// Plackett-Luce (or Bradley-Terry) loss of the linear policy ŷ = W x under the reward s_j = -||ŷ - y_j||², from the
/// in-context triplets alone. Its parameters live in the trainer's own <see cref="Block"/>, <see cref="Attention"/> and
/// <see cref="FeedForward"/> modules: a construction only chooses a <see cref="TransformerConfig"/> (no positions, no
/// LayerNorm, ReLU FFN), writes weights and lays out tokens. The mechanism and its error bound: docs/construction.md.
/// </summary>
public sealed class ConstructedTransformer : Module<Tensor, Tensor>
{
    /// <summary>
    /// M: the logit penalty of a masked key (an eliminated or above-threshold response, the query token). Large enough
    /// that e^{-M + logit range} underflows to 0 under the bounded-input assumption (|2ŷ·y - ||y||²| ≤ 200), and no
    /// larger: the causal mask Σ a_m b_m carries rounding of order 1e-14, which M multiplies into the logits.
    /// </summary>
    public const double MaskPenalty = 1e3;

    /// <summary>How far the elimination unit's argument drops for a token that is already eliminated.</summary>
    public const double EliminatedOffset = 1e6;

    /// <summary>
    /// L: head B's logit of the causal sink: far below every unmasked response's logit (bounded inputs) and far above
    /// every masked one (-M + logit), so the sink takes the weight only when nothing remains.
    /// </summary>
    public const double SinkPenalty = MaskPenalty / 2;

    private readonly ModuleList<Block> blocks;
    private readonly Tensor? initialWeights;

    private ConstructedTransformer(ConstructionLayout layout, TransformerConfig config, IReadOnlyList<BlockPlan> plans,
        int responseCount, int steps, double eta, double beta, double gap, ConstructionAblation ablation,
        Tensor? initialWeights, RewardGrid? grid) : base(nameof(ConstructedTransformer))
    {
        Layout = layout;
        Config = config;
        ResponseCount = responseCount;
        Steps = steps;
        Eta = eta;
        Beta = beta;
        Gap = gap;
        Ablation = ablation;
        Grid = grid;
        blocks = new ModuleList<Block>(plans.Select(_ => new Block(config)).ToArray());
        RegisterComponents();
        // The trainer's modules are created in the default float32; the construction is written in float64 and may
        // be converted afterwards (ToFloat32), so rounding happens once, at the end.
        this.to(ScalarType.Float64);
        for (int i = 0; i < plans.Count; i++) new BlockWeights(this, plans[i]).CopyTo(blocks[i]);
        this.initialWeights = initialWeights?.to_type(ScalarType.Float64).detach().clone();
    }

    /// <summary>Which coordinates of a token hold what.</summary>
    public ConstructionLayout Layout { get; }
    /// <summary>The trainer's configuration the construction fills: no positions, no LayerNorm, ReLU FFN.</summary>
    public TransformerConfig Config { get; }
    /// <summary>The blocks, N − 1 per GD step (one more first for the causal construction's features).</summary>
    public IList<Block> Blocks => blocks;
    /// <summary>N: responses per context the construction ranks.</summary>
    public int ResponseCount { get; }
    /// <summary>GD steps the forward pass performs.</summary>
    public int Steps { get; }
    /// <summary>GD step size η on W.</summary>
    public double Eta { get; }
    /// <summary>Softmax scale β of head A's selection.</summary>
    public double Beta { get; }
    /// <summary>The assumed least distance between two rewards of a context.</summary>
    public double Gap { get; }
    /// <summary>The component taken away, if any.</summary>
    public ConstructionAblation Ablation { get; }
    /// <summary>Whether attention is causal (the online construction).</summary>
    public bool Causal => Config.Causal;

    /// <summary>The causal construction's threshold grid; null with full attention.</summary>
    public RewardGrid? Grid { get; }

    /// <summary>The precision of the weights: float64, or float32 after <see cref="ToFloat32"/>.</summary>
    public ScalarType DType => blocks[0].Attention.Query.weight!.dtype;

    /// <summary>Bradley-Terry = Plackett-Luce at N = 2: one block per step.</summary>
    public static ConstructedTransformer ForBradleyTerry(int d, double eta, double beta, int steps = 1,
        Tensor? initialWeights = null, ConstructionAblation ablation = ConstructionAblation.None, double gap = 0.05) =>
        ForPlackettLuce(d, 2, eta, beta, steps, initialWeights, ablation, gap);

    /// <summary>
    /// Full attention over N triplets and one query token: N-1 blocks per GD step (each ranks one response: head A
    /// selects the best remaining, head B forms the PL softmax mean, the FFN eliminates the selected one).
    /// </summary>
    /// <param name="d">Dimension of queries and responses (≥ 1).</param>
    /// <param name="n">Responses per context N (≥ 2).</param>
    /// <param name="eta">GD step size η on W (&gt; 0).</param>
    /// <param name="beta">Softmax scale β of head A's selection (&gt; 0).</param>
    /// <param name="steps">GD steps the forward pass performs (≥ 1).</param>
    /// <param name="initialWeights">W_0 of the descent, [d, d]; null: 0.</param>
    /// <param name="ablation">The component taken away, if any.</param>
    /// <param name="gap">The assumed least distance between two rewards of a context; it scales the elimination unit.</param>
    public static ConstructedTransformer ForPlackettLuce(int d, int n, double eta, double beta, int steps = 1,
        Tensor? initialWeights = null, ConstructionAblation ablation = ConstructionAblation.None, double gap = 0.05)
    {
        Check(d, n, eta, beta, steps, gap);
        var layout = new ConstructionLayout(d);
        var plans = Plans(n, steps, ablation, firstComputesFeatures: false);
        var config = Configure(layout, d, n, plans.Count, ablation, causal: false);
        return new ConstructedTransformer(layout, config, plans, n, steps, eta, beta, gap, ablation, initialWeights, grid: null);
    }

    /// <summary>
    /// Causal attention: triplet token k performs the steps on the PL loss of triplets 1..k (the online PL loss), all
    /// prefixes at once. Each token keeps its own threshold θ_k (the reward of the last response it ranked), coded on
    /// a grid of spacing gap/5 over [rewardLow - gap, rewardHigh]; keys carry ramp features of their reward so that the
    /// attention logit can subtract M·[r_j ≥ θ_k]. Width grows as (rewardHigh - rewardLow)/gap.
    /// </summary>
    public static ConstructedTransformer ForOnlinePlackettLuce(int d, int n, double eta, double beta, int steps = 1,
        Tensor? initialWeights = null, double gap = 0.05, double rewardLow = 0.0, double rewardHigh = 1.0)
    {
        Check(d, n, eta, beta, steps, gap);
        if (!(rewardHigh > rewardLow)) throw new ArgumentException($"reward range [{rewardLow}, {rewardHigh}] is empty");
        var grid = new RewardGrid(gap, rewardLow, rewardHigh);
        var layout = new ConstructionLayout(d, grid.Count);
        var plans = Plans(n, steps, ConstructionAblation.None, firstComputesFeatures: true);
        var config = Configure(layout, d, n, plans.Count, ConstructionAblation.None, causal: true);
        return new ConstructedTransformer(layout, config, plans, n, steps, eta, beta, gap, ConstructionAblation.None, initialWeights, grid);
    }

    /// <summary>The same construction in float32 (weights rounded once).</summary>
    public ConstructedTransformer ToFloat32()
    {
        this.to(ScalarType.Float32);
        return this;
    }

    /// <summary>Runs the blocks over tokens laid out by <see cref="Layout"/> and returns the tokens after the last one.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var hidden = tokens;
        foreach (var block in blocks) hidden = block.forward(hidden);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Full attention: the prediction after <see cref="Steps"/> GD steps on all N triplets, [B, d].
    /// Causal: the prediction of every prefix k = 1..N, [B, N, d] (index k-1 has seen triplets 1..k).
    /// Inputs: query x [B, d], responses [B, N, d], rewards [B, N].
    /// </summary>
    public Tensor Predict(Tensor query, Tensor responses, Tensor rewards)
    {
        if (responses.dim() != 3 || responses.shape[1] != ResponseCount || responses.shape[2] != Layout.Dimension)
            throw new ArgumentException($"construction expects responses [B, {ResponseCount}, {Layout.Dimension}]; got [{string.Join(", ", responses.shape)}]");
        using var scope = NewDisposeScope();
        var dtype = DType;
        var x = query.to_type(dtype);
        var y = responses.to_type(dtype);
        var r = rewards.to_type(dtype);
        var initial = initialWeights is null
            ? zeros_like(x)
            : einsum("bij,bj->bi", initialWeights.to(dtype, x.device).expand(x.shape[0], -1, -1), x);
        using var noGrad = no_grad();
        if (!Causal)
        {
            var hidden = forward(Layout.FullTokens(x, y, r, initial));
            return Layout.ReadPrediction(hidden.select(1, ResponseCount)).MoveToOuterDisposeScope();
        }
        Grid!.CheckRewards(r);
        var causalHidden = forward(Layout.CausalTokens(x, y, r, initial, Grid.SinkReward, SinkPenalty));
        return Layout.ReadPrediction(causalHidden.narrow(1, 1, ResponseCount)).MoveToOuterDisposeScope();
    }

    private static void Check(int d, int n, double eta, double beta, int steps, double gap)
    {
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(d), d, "d must be at least 1");
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "N must be at least 2");
        if (!(eta > 0) || double.IsInfinity(eta)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "η must be positive and finite");
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive and finite");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (!(gap > 0) || double.IsInfinity(gap)) throw new ArgumentOutOfRangeException(nameof(gap), gap, "gap must be positive and finite");
    }

    private static TransformerConfig Configure(ConstructionLayout layout, int d, int n, int layers, ConstructionAblation ablation, bool causal)
    {
        bool oneHead = ablation is ConstructionAblation.OneHead or ConstructionAblation.OneHeadDeep;
        int headDimension = d + 2 + layout.Grid;                                   // head B's query/key is the widest map
        int feedForward = 5 + 2 * d + (layout.Grid > 0 ? layout.Grid + 2 + 4 * layout.Grid : 0);
        return new TransformerConfig
        {
            Dimension = d,
            ResponseCount = n,
            Layers = layers,
            Heads = oneHead ? 1 : 2,
            Width = layout.Width,
            HeadDimension = headDimension,
            Attention = ablation == ConstructionAblation.Linear ? AttentionKind.Linear : AttentionKind.Softmax,
            Causal = causal,
            FeedForward = ablation != ConstructionAblation.NoFeedForward,
            FeedForwardWidth = feedForward,
            Activation = FeedForwardActivation.Relu,
            LayerNorm = false,
            PositionEmbeddings = false,
        };
    }

    /// <summary>What one block does: which heads it carries and what its FFN does.</summary>
    private sealed record BlockPlan(bool Select, bool Normalise, FeedForwardRole Role, bool ComputeRewardFeatures);

    private enum FeedForwardRole
    {
        /// <summary>Zero FFN (the head-B blocks of the one-head-deep ablation).</summary>
        None,

        /// <summary>Mark the response selected in this block as ranked (eliminate it / move the threshold to it).</summary>
        Rank,

        /// <summary>End of a GD step: ŷ += acc, acc = 0, every response unranked again.</summary>
        EndStep,
    }

    private static List<BlockPlan> Plans(int n, int steps, ConstructionAblation ablation, bool firstComputesFeatures)
    {
        var plans = new List<BlockPlan>();
        for (int step = 0; step < steps; step++)
            for (int term = 1; term <= n - 1; term++)
            {
                var role = term == n - 1 ? FeedForwardRole.EndStep : FeedForwardRole.Rank;
                bool features = firstComputesFeatures && plans.Count == 0;
                switch (ablation)
                {
                    case ConstructionAblation.OneHead:
                        plans.Add(new BlockPlan(Select: true, Normalise: false, role, features));
                        break;
                    case ConstructionAblation.OneHeadDeep:
                        // Head B must see the remaining set before head A's block eliminates its pick, so B comes first.
                        plans.Add(new BlockPlan(Select: false, Normalise: true, FeedForwardRole.None, features));
                        plans.Add(new BlockPlan(Select: true, Normalise: false, role, false));
                        break;
                    default:
                        plans.Add(new BlockPlan(Select: true, Normalise: true, role, features));
                        break;
                }
            }
        return plans;
    }

    /// <summary>The weights of one block, written in float64 arrays (row = output unit) and copied into the modules.</summary>
    private sealed class BlockWeights
    {
        private readonly ConstructedTransformer owner;
        private readonly ConstructionLayout l;
        private readonly int h, d;
        private readonly double[,] query, key, value, output, hidden, hiddenOutput;
        private readonly double[] hiddenBias;

        public BlockWeights(ConstructedTransformer owner, BlockPlan plan)
        {
            this.owner = owner;
            l = owner.Layout;
            d = l.Dimension;
            var config = owner.Config;
            h = config.ResolvedHeadDimension;
            int inner = config.Heads * h, width = config.Width, ffn = config.ResolvedFeedForwardWidth;
            query = new double[inner, width];
            key = new double[inner, width];
            value = new double[inner, width];
            output = new double[width, inner];
            hidden = new double[ffn, width];
            hiddenBias = new double[ffn];
            hiddenOutput = new double[width, ffn];
            int head = 0;
            if (plan.Select) SelectionHead(head++);
            if (plan.Normalise) NormaliserHead(head);
            if (plan.ComputeRewardFeatures) RewardFeatureUnits();
            if (plan.Role == FeedForwardRole.Rank) RankUnits();
            if (plan.Role == FeedForwardRole.EndStep) EndStepUnits();
        }

        /// <summary>
        /// Head A: logit β·r_j minus M·β on masked keys, so the softmax is (up to e^{-β·gap}) one-hot on the best
        /// remaining response; it writes 2η·||x||²·y_τ(t) into acc and r_τ(t) into the selected-reward slot.
        /// </summary>
        private void SelectionHead(int head)
        {
            double scale = Math.Sqrt(h) * owner.Beta;                                // undoes the 1/√h of the logits
            int o = head * h;
            query[o, l.One] = scale;
            key[o, l.Reward] = 1;
            key[o, l.Eliminated] = -MaskPenalty;
            for (int m = 0; m < l.Grid; m++)
            {
                query[o + 1 + m, l.Threshold + m] = -scale * MaskPenalty;
                key[o + 1 + m, l.RewardFeatures + m] = 1;
            }
            for (int i = 0; i < d; i++)
            {
                value[o + i, l.ScaledResponse + i] = 1;
                output[l.Accumulator + i, o + i] = 2 * owner.Eta;
            }
            value[o + d, l.Reward] = 1;
            output[l.SelectedReward, o + d] = 1;
        }

        /// <summary>
        /// Head B: logit 2ŷ·y_j - ||y_j||² = s_j + ||ŷ||² (the constant cancels in the softmax) minus M on masked
        /// keys: the PL softmax mean ȳ_t over the responses not yet ranked (τ(t) included); writes -2η·||x||²·ȳ_t.
        /// </summary>
        private void NormaliserHead(int head)
        {
            double scale = Math.Sqrt(h);
            int o = head * h;
            for (int i = 0; i < d; i++)
            {
                query[o + i, l.Prediction + i] = 2 * scale;
                key[o + i, l.Response + i] = 1;
                value[o + i, l.ScaledResponse + i] = 1;
                output[l.Accumulator + i, o + i] = -2 * owner.Eta;
            }
            query[o + d, l.One] = scale;
            key[o + d, l.SquaredNorm] = -1;
            query[o + d + 1, l.One] = -scale * MaskPenalty;
            key[o + d + 1, l.Eliminated] = 1;
            for (int m = 0; m < l.Grid; m++)
            {
                query[o + d + 2 + m, l.Threshold + m] = -scale * MaskPenalty;
                key[o + d + 2 + m, l.RewardFeatures + m] = 1;
            }
        }

        // FFN unit indices: a fixed map so a block's roles never collide.
        private const int EliminateUnits = 0, ClearSelectedUnits = 2, ResetUnit = 4, TransferUnits = 5;
        private int HatUnits => TransferUnits + 2 * d;                 // G + 2 ramps ρ_{-1..G} of the selected reward
        private int ClearThresholdUnits => HatUnits + l.Grid + 2;      // 2G: relu(a), relu(-a)
        private int RampUnits => ClearThresholdUnits + 2 * l.Grid;     // 2G: the reward features b_m(r)

        private void RankUnits()
        {
            ClearSelectedReward();
            if (l.Grid == 0)
            {
                // elim += relu(z + 1) - relu(z), z = (r - r_sel)/δ + 1/2 - big·elim, δ = gap/2: exactly 1 for the
                // selected token (0 ≤ r - r_sel ≪ δ), exactly 0 for the others (r - r_sel ≤ -gap) and for tokens
                // already eliminated; tolerant to a selection error up to gap/4.
                double delta = owner.Gap / 2;
                foreach (var (unit, bias, sign) in new[] { (EliminateUnits, 1.5, 1.0), (EliminateUnits + 1, 0.5, -1.0) })
                {
                    hidden[unit, l.Reward] = 1 / delta;
                    hidden[unit, l.SelectedReward] = -1 / delta;
                    hidden[unit, l.Eliminated] = -EliminatedOffset;
                    hiddenBias[unit] = bias;
                    hiddenOutput[l.Eliminated, unit] = sign;
                }
                return;
            }
            // Causal: θ ← r_sel, coded as hat functions a_m(θ) = ρ_{m-1} - 2ρ_m + ρ_{m+1}, ρ_j = relu((θ - g_j)/h);
            // the old code is cleared first.
            var grid = owner.Grid!;
            for (int j = -1; j <= l.Grid; j++)
            {
                int unit = HatUnits + j + 1;
                hidden[unit, l.SelectedReward] = 1 / grid.Spacing;
                hiddenBias[unit] = -grid.Point(j) / grid.Spacing;
            }
            for (int m = 0; m < l.Grid; m++)
            {
                hiddenOutput[l.Threshold + m, HatUnits + m] += 1;
                hiddenOutput[l.Threshold + m, HatUnits + m + 1] += -2;
                hiddenOutput[l.Threshold + m, HatUnits + m + 2] += 1;
            }
            ClearThreshold();
        }

        private void EndStepUnits()
        {
            ClearSelectedReward();
            // ŷ += acc and acc -= acc through relu(acc) - relu(-acc) = acc (exact); η is already in acc.
            for (int i = 0; i < d; i++)
            {
                int plus = TransferUnits + 2 * i, minus = plus + 1;
                hidden[plus, l.Accumulator + i] = 1;
                hidden[minus, l.Accumulator + i] = -1;
                hiddenOutput[l.Prediction + i, plus] = 1;
                hiddenOutput[l.Prediction + i, minus] = -1;
                hiddenOutput[l.Accumulator + i, plus] = -1;
                hiddenOutput[l.Accumulator + i, minus] = 1;
            }
            if (l.Grid == 0)
            {
                // Unrank every response for the next step: elim -= relu(elim - 2·isq) clears 0/1 flags of responses
                // and leaves the query token's permanent elim = 1 alone.
                hidden[ResetUnit, l.Eliminated] = 1;
                hidden[ResetUnit, l.IsQuery] = -2;
                hiddenOutput[l.Eliminated, ResetUnit] = -1;
            }
            else
            {
                ClearThreshold();
            }
        }

        private void ClearSelectedReward()
        {
            hidden[ClearSelectedUnits, l.SelectedReward] = 1;
            hidden[ClearSelectedUnits + 1, l.SelectedReward] = -1;
            hiddenOutput[l.SelectedReward, ClearSelectedUnits] = -1;
            hiddenOutput[l.SelectedReward, ClearSelectedUnits + 1] = 1;
        }

        private void ClearThreshold()
        {
            for (int m = 0; m < l.Grid; m++)
            {
                int plus = ClearThresholdUnits + 2 * m, minus = plus + 1;
                hidden[plus, l.Threshold + m] = 1;
                hidden[minus, l.Threshold + m] = -1;
                hiddenOutput[l.Threshold + m, plus] += -1;
                hiddenOutput[l.Threshold + m, minus] += 1;
            }
        }

        /// <summary>
        /// b_m(r) = relu((r - g_m + c + h)/h) - relu((r - g_m + c)/h): 0 below g_m - c - h, 1 above g_m - c. The sink's
        /// features stay 0 (its argument drops by big), so no threshold ever masks it.
        /// </summary>
        private void RewardFeatureUnits()
        {
            var grid = owner.Grid!;
            for (int m = 0; m < l.Grid; m++)
            {
                int upper = RampUnits + 2 * m, lower = upper + 1;
                foreach (var (unit, offset, sign) in new[] { (upper, grid.Spacing, 1.0), (lower, 0.0, -1.0) })
                {
                    hidden[unit, l.Reward] = 1 / grid.Spacing;
                    hidden[unit, l.Sink] = -EliminatedOffset;
                    hiddenBias[unit] = (-grid.Point(m) + grid.RampOffset + offset) / grid.Spacing;
                    hiddenOutput[l.RewardFeatures + m, unit] = sign;
                }
            }
        }

        public void CopyTo(Block block)
        {
            using var noGrad = no_grad();
            Set(block.Attention.Query, query, null);
            Set(block.Attention.Key, key, null);
            Set(block.Attention.Value, value, null);
            Set(block.Attention.Output, output, null);
            if (block.FeedForward is { } feedForward)
            {
                Set(feedForward.Hidden, hidden, hiddenBias);
                Set(feedForward.Output, hiddenOutput, null);
            }
        }

        private static void Set(Linear linear, double[,] weight, double[]? bias)
        {
            var target = linear.weight!;
            // Through a flat array: tensor(double[,]) copies element by element and dominated the build time.
            var flat = new double[weight.Length];
            Buffer.BlockCopy(weight, 0, flat, 0, weight.Length * sizeof(double));
            using var source = tensor(flat, [weight.GetLength(0), weight.GetLength(1)], target.dtype);
            target.copy_(source);
            if (linear.bias is { } b)
            {
                using var biasSource = bias is null ? zeros_like(b) : tensor(bias, b.dtype);
                b.copy_(biasSource);
            }
        }
    }
}
