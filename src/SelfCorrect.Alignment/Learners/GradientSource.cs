using SelfCorrect.Alignment.Objectives;

namespace SelfCorrect.Alignment.Learners;

/// <summary>How <see cref="ExplicitGradientDescent"/> obtains its gradient.</summary>
public enum GradientSource
{
    /// <summary>The closed form of <see cref="LinearPolicyGradient"/> (squared-distance reward only).</summary>
    Analytic,

    /// <summary>TorchSharp autograd through the loss (any reward model).</summary>
    Autograd,
}
