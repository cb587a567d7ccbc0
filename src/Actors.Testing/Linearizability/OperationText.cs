using System.Globalization;

namespace Actors.Testing.Linearizability;

/// <summary>Short human-readable renderings of operations and values for explanations.</summary>
internal static class OperationText
{
    public static string Value(string? value) => value is null ? "<missing>" : $"\"{value}\"";

    public static string Describe(KvOperation op)
    {
        var action = op.Kind switch
        {
            KvOpKind.Put => $"Put {Value(op.Value)}",
            KvOpKind.Get => op.Outcome == KvOutcome.Ok ? $"Get returning {Value(op.Output)}" : "Get",
            KvOpKind.Cas when op.Outcome == KvOutcome.Ok =>
                $"Cas {Value(op.Expected)} -> {Value(op.Value)} ({(op.Swapped ? "swapped" : "not swapped")})",
            KvOpKind.Cas => $"Cas {Value(op.Expected)} -> {Value(op.Value)}",
            KvOpKind.Delete => "Delete",
            _ => op.Kind.ToString(),
        };
        var complete = op.Outcome == KvOutcome.Indeterminate
            ? "indeterminate"
            : "complete " + op.Complete.ToString(CultureInfo.InvariantCulture);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{action} by client {op.ClientId} [invoke {op.Invoke}, {complete}]");
    }
}
