using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SelfCorrect.Correction;

/// <summary>
/// What every self-correcting middleware shares: settable, validated options; a logger; and the two entry points,
/// which run every stage before the last answer through a <see cref="CorrectionRun"/>, then return or stream the last
/// answer. A strategy says only how a run starts and which stages come before its last answer.
/// </summary>
/// <typeparam name="TOptions">The strategy's options, an immutable record.</typeparam>
public abstract class StagedCorrectionChatClient<TOptions> : DelegatingChatClient where TOptions : class, new()
{
    private readonly ILogger _logger;
    private TOptions _options = new();

    /// <param name="innerClient">The model, or the next middleware.</param>
    /// <param name="loggerFactory">Where the log events go (none when null).</param>
    private protected StagedCorrectionChatClient(IChatClient innerClient, ILoggerFactory? loggerFactory) : base(innerClient)
    {
        _logger = (ILogger?)loggerFactory?.CreateLogger(GetType()) ?? NullLogger.Instance;
    }

    /// <summary>
    /// The strategy's settings. Setting them validates them; change one with
    /// <c>client.Options = client.Options with { ... }</c>. A request reads them once, when it starts.
    /// </summary>
    public TOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            Validate(value);
            _options = value;
        }
    }

    /// <summary>Whether log events include the text of every stage (at Trace level). Off by default: prompts and answers may be sensitive.</summary>
    public bool EnableSensitiveData { get; set; }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var settings = _options;
        using var run = Start(settings, messages, options, _logger, EnableSensitiveData);
        return await run.GetResponseAsync(cancel => RunUntilLastAnswerAsync(run, settings, cancel), cancellationToken);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var settings = _options;
        using var run = Start(settings, messages, options, _logger, EnableSensitiveData);
        await foreach (var update in run.GetStreamingResponseAsync(cancel => RunUntilLastAnswerAsync(run, settings, cancel), cancellationToken))
            yield return update;
    }

    /// <summary>Throws when <paramref name="options"/> are not valid for the strategy.</summary>
    /// <param name="options">The options being set.</param>
    protected abstract void Validate(TOptions options);

    private protected abstract CorrectionRun Start(TOptions settings, IEnumerable<ChatMessage> messages, ChatOptions? options, ILogger logger, bool enableSensitiveData);

    /// <summary>Every stage before the last answer; the last answer's request, or null when the run ended early.</summary>
    private protected abstract Task<StageRequest?> RunUntilLastAnswerAsync(CorrectionRun run, TOptions settings, CancellationToken cancellationToken);
}
