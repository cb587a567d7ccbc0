using Actors.Core.Paxos;
using Xunit;

namespace Actors.Core.Tests.Paxos;

public sealed class SnapshotTransferTests
{
    private static byte[] Bytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public void A_snapshot_travels_in_pieces_of_the_chunk_size_and_arrives_whole()
    {
        var sender = new SnapshotSender(1, chunkBytes: 100);
        var data = Bytes(1050);
        sender.Load(40, data);
        var receiver = new SnapshotReceiver(2, retransmitTicks: 3);

        var chunk = sender.Chunk(40, 0)!;
        byte[]? whole = null;
        var pieces = 0;
        while (whole is null)
        {
            pieces++;
            Assert.True(chunk.Data.Length <= 100);
            whole = receiver.Offer(chunk, out var next);
            if (whole is null) chunk = sender.Chunk(next!.Slot, next.Offset)!;
        }
        Assert.Equal(11, pieces);
        Assert.Equal(data, whole);
        Assert.Null(receiver.Current);
    }

    [Fact]
    public void Duplicate_and_out_of_order_pieces_are_ignored()
    {
        var sender = new SnapshotSender(1, 10);
        sender.Load(5, Bytes(30));
        var receiver = new SnapshotReceiver(2, 3);
        Assert.Null(receiver.Offer(sender.Chunk(5, 0)!, out _));
        Assert.Null(receiver.Offer(sender.Chunk(5, 20)!, out var skipped));
        Assert.Null(skipped);
        Assert.Null(receiver.Offer(sender.Chunk(5, 0)!, out var again)); // a fresh catch-up answer restarting: kept progress
        Assert.Null(again);
        Assert.Equal(10, receiver.Received);
        Assert.Null(receiver.Offer(sender.Chunk(5, 10)!, out _));
        Assert.Equal(Bytes(30), receiver.Offer(sender.Chunk(5, 20)!, out _));
    }

    [Fact]
    public void A_lost_piece_is_asked_for_again_and_the_transfer_is_given_up_after_a_few_tries()
    {
        var sender = new SnapshotSender(1, 10);
        sender.Load(5, Bytes(30));
        var receiver = new SnapshotReceiver(2, retransmitTicks: 2, maxRetries: 2);
        receiver.Offer(sender.Chunk(5, 0)!, out _);
        Assert.Null(receiver.Tick());
        Assert.Equal(new SnapshotChunkRequest(2, 5, 10), receiver.Tick());
        Assert.Null(receiver.Tick());
        Assert.Equal(new SnapshotChunkRequest(2, 5, 10), receiver.Tick());
        Assert.Null(receiver.Tick());
        Assert.Null(receiver.Tick()); // third try: given up
        Assert.Null(receiver.Current);
    }

    [Fact]
    public void A_transfer_goes_on_with_its_snapshot_while_a_newer_one_is_served_to_another_peer()
    {
        // Two lagging replicas catch up from one peer while its snapshot advances: the first transfer began with the
        // snapshot through slot 5, the second gets the one through slot 9. Holding only the newest, the first would find
        // its snapshot gone at its next piece and start over, again at every snapshot.
        var sender = new SnapshotSender(1, 10);
        sender.Load(5, Bytes(30));
        var first = new SnapshotReceiver(2, 3);
        var second = new SnapshotReceiver(3, 3);
        first.Offer(sender.Chunk(5, 0)!, out var firstNext);
        sender.Load(9, Bytes(15));
        second.Offer(sender.Chunk(9, 0)!, out var secondNext);

        Assert.Null(first.Offer(sender.Chunk(5, firstNext!.Offset)!, out firstNext));
        Assert.Equal(Bytes(30), first.Offer(sender.Chunk(5, firstNext!.Offset)!, out _));
        Assert.Equal(Bytes(15), second.Offer(sender.Chunk(9, secondNext!.Offset)!, out _));

        // A bounded few are held: a third snapshot lets the oldest go, and a receiver of it starts over.
        sender.Load(12, Bytes(5));
        Assert.Null(sender.Chunk(5, 0));
        Assert.NotNull(sender.Chunk(9, 0));
        Assert.NotNull(sender.Chunk(12, 0));
    }

    [Fact]
    public void A_newer_snapshot_from_the_same_peer_replaces_a_transfer_under_way()
    {
        var sender = new SnapshotSender(1, 10);
        sender.Load(5, Bytes(30));
        var receiver = new SnapshotReceiver(2, 3);
        receiver.Offer(sender.Chunk(5, 0)!, out _);
        sender.Load(9, Bytes(15));
        Assert.Null(receiver.Offer(sender.Chunk(9, 0)!, out var next));
        Assert.Equal((1, 9L), receiver.Current);
        Assert.Equal(Bytes(15), receiver.Offer(sender.Chunk(9, next!.Offset)!, out _));
    }

    [Fact]
    public void A_malformed_piece_is_ignored()
    {
        var receiver = new SnapshotReceiver(2, 3);
        Assert.Null(receiver.Offer(new SnapshotChunk(1, 5, 0, 10, new byte[20]), out var next));
        Assert.Null(next);
        Assert.Null(receiver.Offer(new SnapshotChunk(1, 5, 0, -1, []), out _));
        Assert.Null(receiver.Current);
    }
}
