namespace Actors.Core.Kv;

/// <summary>One key and its value in a snapshot.</summary>
public sealed record KvEntry(string Key, byte[] Value);
