namespace Actors.Testing.Linearizability;

/// <summary>The operations of the sequential key-value model a history is checked against.</summary>
public enum KvOpKind
{
    /// <summary>Sets the key to <see cref="KvOperation.Value"/>.</summary>
    Put,

    /// <summary>Reads the key; the value read is <see cref="KvOperation.Output"/> (null when missing).</summary>
    Get,

    /// <summary>
    /// Compare-and-swap: sets the key to <see cref="KvOperation.Value"/> when its current value equals
    /// <see cref="KvOperation.Expected"/> (ordinal; null means "missing"), otherwise leaves it unchanged.
    /// </summary>
    Cas,

    /// <summary>Removes the key; afterwards it reads as missing.</summary>
    Delete,
}
