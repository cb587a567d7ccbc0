namespace Actors.Bench;

/// <summary>How one request of a closed-loop client ended.</summary>
public enum OpOutcome
{
    /// <summary>The system acknowledged the write.</summary>
    Ok,

    /// <summary>The system answered with an error, or the request failed.</summary>
    Error,

    /// <summary>No answer within <see cref="BenchOptions.RequestTimeout"/>, or the system answered that it timed out.</summary>
    Timeout,
}
