namespace Actors.Chaos;

/// <summary>One injected fault.</summary>
/// <param name="Number">1-based position in the schedule.</param>
/// <param name="Kind">What was injected.</param>
/// <param name="Description">Targets and parameters, for the log and the summary.</param>
/// <param name="Injected">Clock ticks when it was injected.</param>
/// <param name="Healed">Clock ticks when every heal action had completed.</param>
public sealed record FaultRecord(int Number, FaultKind Kind, string Description, long Injected, long Healed);
