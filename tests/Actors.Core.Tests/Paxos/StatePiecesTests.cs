using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

/// <summary>The replicated state saved in pieces: no piece larger than asked, and recovery finds the last save written whole.</summary>
public sealed class StatePiecesTests
{
    private static byte[] Bytes(int n, int seed) => Enumerable.Range(0, n).Select(i => (byte)(i * 7 + seed)).ToArray();

    private static byte[]? Recover(IEnumerable<StatePiece> journal)
    {
        var assembler = new StatePieceAssembler();
        foreach (var p in journal) assembler.Offer(p);
        return assembler.Assemble();
    }

    [Fact]
    public void A_state_is_cut_into_pieces_no_larger_than_asked_and_recovered_whole()
    {
        var state = Bytes(1050, 1);
        var pieces = StatePieces.Cut(40, state, 100);
        Assert.Equal(11, pieces.Count);
        Assert.All(pieces, p => Assert.True(p.Data.Length <= 100 && p.Slot == 40 && p.Total == 1050));
        Assert.Equal(state, Recover(pieces));

        // A state smaller than a piece is one piece.
        Assert.Single(StatePieces.Cut(41, Bytes(10, 2), 100));
        Assert.Equal(Bytes(10, 2), Recover(StatePieces.Cut(41, Bytes(10, 2), 100)));
    }

    [Fact]
    public void A_save_cut_short_by_a_crash_is_passed_over_for_the_last_save_written_whole()
    {
        var older = StatePieces.Cut(40, Bytes(500, 1), 100);
        var cut = StatePieces.Cut(60, Bytes(700, 2), 100).Take(4);
        var assembler = new StatePieceAssembler();
        foreach (var p in older.Concat(cut)) assembler.Offer(p);
        Assert.Equal(40, assembler.Slot);
        Assert.Equal(Bytes(500, 1), assembler.Assemble());
    }

    [Fact]
    public void A_save_with_a_piece_missing_or_repeated_is_not_taken_as_whole()
    {
        var older = StatePieces.Cut(40, Bytes(500, 1), 100);
        var newer = StatePieces.Cut(60, Bytes(700, 2), 100);
        // The journal refused one piece of the newer save: the pieces after it do not complete it.
        Assert.Equal(Bytes(500, 1), Recover(older.Concat(newer.Where((_, i) => i != 3))));
        // A piece written twice breaks the order as well.
        Assert.Equal(Bytes(500, 1), Recover(older.Concat(newer.Take(3)).Concat(newer.Skip(2))));
        // The save made again after it comes whole and wins.
        Assert.Equal(Bytes(700, 2), Recover(older.Concat(newer.Take(3)).Concat(newer)));
        // Nothing whole: nothing recovered.
        Assert.Null(Recover(newer.Skip(1)));
    }
}
