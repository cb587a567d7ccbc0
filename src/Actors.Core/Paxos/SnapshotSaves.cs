using Actors.Core.Log;

namespace Actors.Core.Paxos;

/// <summary>
/// The replica's saves of its state, one at a time: a snapshot offered while another is being saved waits, and a newer
/// one that waits replaces an older one (only the newest matters: compaction follows the newest save). A save some piece
/// of which the journal refused, or that wrote nothing, is not whole: it is made again after a pause (unless a newer one
/// waits by then), since compaction waits for it. Pure; the driver writes the pieces and keeps the timer.
/// </summary>
public sealed class SnapshotSaves
{
    private StateSnapshot? _next;
    private bool _refused;

    /// <summary>The save under way, or null.</summary>
    public StateSnapshot? Saving { get; private set; }

    /// <summary>The snapshot waiting for the save under way to end, or null.</summary>
    public StateSnapshot? Waiting => _next;

    /// <summary>False once the journal refused a piece of the save under way: write no more of its pieces.</summary>
    public bool Continue => !_refused;

    /// <summary>Offers <paramref name="snapshot"/>; returns it when the driver is to start saving it now (no save under way).</summary>
    public StateSnapshot? Offer(StateSnapshot snapshot)
    {
        _next = snapshot;
        return Saving is null ? StartNext() : null;
    }

    /// <summary>The journal refused a piece of the save under way.</summary>
    public void PieceRefused() => _refused = true;

    /// <summary>
    /// The save under way ended, its first piece written at <paramref name="first"/> (0: none was). Whole: the driver
    /// drops what the save covers and starts <see cref="Ended.Next"/>, if any. Not whole: the driver tries again after a
    /// pause (<see cref="Retry"/>).
    /// </summary>
    public Ended End(long first)
    {
        var saved = Saving ?? throw new InvalidOperationException("no save is under way");
        Saving = null;
        if (_refused || first <= 0)
        {
            _next ??= saved;
            return new Ended(saved, Whole: false, Next: null);
        }
        return new Ended(saved, Whole: true, Next: StartNext());
    }

    /// <summary>The pause after a save that was not whole is over: the save to start now, if any.</summary>
    public StateSnapshot? Retry() => Saving is null ? StartNext() : null;

    private StateSnapshot? StartNext()
    {
        if (_next is null) return null;
        Saving = _next;
        _next = null;
        _refused = false;
        return Saving;
    }

    /// <summary>How a save ended, and the save to start next (whole saves only).</summary>
    public sealed record Ended(StateSnapshot Saved, bool Whole, StateSnapshot? Next);
}
