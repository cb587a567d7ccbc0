using Actors.Core.Kv;

namespace Actors.Core.Log;

/// <summary>
/// The latest command of one client: its sequence number, a digest of the command (a reused sequence number with
/// another command is refused), the reply (null for a read, which a retry simply reads again) and the log time it was
/// last used at.
/// </summary>
public sealed record Session(string ClientId, long Seq, ulong Digest, CommandResult? Result, long LastActive);
