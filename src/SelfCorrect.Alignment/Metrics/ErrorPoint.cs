namespace SelfCorrect.Alignment.Metrics;

/// <summary>Mean error of one learner after k examples under one metric, with a 95% bootstrap interval over contexts.</summary>
public sealed record ErrorPoint(string Learner, string Metric, int K, double Mean, double Low, double High, int Contexts);
