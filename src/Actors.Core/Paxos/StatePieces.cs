namespace Actors.Core.Paxos;

/// <summary>
/// A piece of the replicated state as a replica saves it in its journal: bytes [<see cref="Offset"/>,
/// <see cref="Offset"/> + length of <see cref="Data"/>) of the serialized snapshot through <see cref="Slot"/>, which is
/// <see cref="Total"/> bytes long.
/// </summary>
public sealed record StatePiece(long Slot, long Offset, long Total, ReadOnlyMemory<byte> Data);

/// <summary>
/// The replicated state saved in pieces, so that no single record has to hold all of it: a snapshot store refuses a
/// record past its limit, and a state near <c>actors.log.max-state-bytes</c> would need a record of a gigabyte. A save
/// writes its pieces in order; one cut short (a crash, a write refused) leaves a prefix or a gap, which recovery passes
/// over for the last save written whole.
/// </summary>
public static class StatePieces
{
    /// <summary><paramref name="bytes"/>, the state through <paramref name="slot"/>, cut into pieces of at most <paramref name="pieceBytes"/> (no copy).</summary>
    public static IReadOnlyList<StatePiece> Cut(long slot, byte[] bytes, int pieceBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pieceBytes, 1);
        var pieces = new List<StatePiece>((bytes.Length + pieceBytes - 1) / pieceBytes);
        var offset = 0;
        do
        {
            var length = Math.Min(pieceBytes, bytes.Length - offset);
            pieces.Add(new StatePiece(slot, offset, bytes.Length, bytes.AsMemory(offset, length)));
            offset += length;
        } while (offset < bytes.Length);
        return pieces;
    }
}

/// <summary>
/// Recovery's side of <see cref="StatePieces"/>: takes the pieces in journal order and keeps the last save that came
/// whole (every piece, in order, of one slot). Deterministic, no I/O.
/// </summary>
public sealed class StatePieceAssembler
{
    private List<ReadOnlyMemory<byte>> _current = new();
    private long _slot = -1;
    private long _total;
    private long _received;
    private List<ReadOnlyMemory<byte>>? _whole;
    private long _wholeTotal;

    /// <summary>The slot of the last save found whole, or null.</summary>
    public long? Slot { get; private set; }

    /// <summary>Takes the next piece in journal order; true when it completes a save.</summary>
    public bool Offer(StatePiece p)
    {
        if (p.Offset == 0)
        {
            _current = new List<ReadOnlyMemory<byte>>();
            _slot = p.Slot;
            _total = p.Total;
            _received = 0;
        }
        else if (p.Slot != _slot || p.Offset != _received || p.Total != _total)
        {
            return Drop(); // a save cut short: what it left is passed over
        }
        if (p.Total <= 0 || p.Data.Length == 0 || p.Offset + p.Data.Length > p.Total) return Drop();
        _current.Add(p.Data);
        _received += p.Data.Length;
        if (_received < _total) return false;
        _whole = _current;
        _wholeTotal = _total;
        Slot = _slot;
        _current = new List<ReadOnlyMemory<byte>>();
        _slot = -1;
        return true;
    }

    /// <summary>The bytes of the last save found whole, or null.</summary>
    public byte[]? Assemble()
    {
        if (_whole is null) return null;
        var bytes = new byte[_wholeTotal];
        var at = 0;
        foreach (var piece in _whole)
        {
            piece.Span.CopyTo(bytes.AsSpan(at));
            at += piece.Length;
        }
        return bytes;
    }

    private bool Drop()
    {
        _slot = -1;
        _current = new List<ReadOnlyMemory<byte>>();
        return false;
    }
}
