namespace Actors.Contracts.Cmd;

/// <summary>
/// Reads newline-terminated UTF-8 lines from a stream with a hard length limit, so a peer can make the
/// reader hold at most <c>maxLineBytes + 2</c> bytes. A trailing <c>\r</c> is dropped; a last line without
/// a terminator is returned at end of stream. After a <see cref="CommandProtocolException"/> the
/// position in the stream is lost and every further read throws; close the connection. Not
/// thread-safe: one reader per connection.
/// </summary>
public sealed class JsonLineReader
{
    private const int InitialBufferBytes = 4096;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _failed;

    /// <summary>Creates a reader of <paramref name="stream"/> accepting lines of up to
    /// <paramref name="maxLineBytes"/> bytes, terminator excluded.</summary>
    public JsonLineReader(Stream stream, int maxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Min(InitialBufferBytes, maxLineBytes + 2)];
    }

    /// <summary>
    /// Returns the next line without its terminator, or null at end of stream.
    /// </summary>
    /// <exception cref="CommandProtocolException">The line exceeds the limit or is not valid UTF-8.</exception>
    /// <exception cref="InvalidOperationException">An earlier read failed with a protocol error.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        if (_failed)
        {
            throw new InvalidOperationException("the line reader failed earlier; its stream position is lost");
        }

        try
        {
            return await ReadNextAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CommandProtocolException)
        {
            _failed = true;
            throw;
        }
    }

    private async ValueTask<string?> ReadNextAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                var line = Decode(_start, newline - _start);
                _start = newline + 1;
                return line;
            }

            if (_end - _start > _maxLineBytes + 1)
            {
                throw TooLong();
            }

            scanFrom = _end;
            if (_end == _buffer.Length)
            {
                scanFrom -= _start;
                MakeRoom();
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (_start == _end)
                {
                    return null;
                }

                var last = Decode(_start, _end - _start);
                _start = _end;
                return last;
            }

            _end += read;
        }
    }

    private void MakeRoom()
    {
        var pending = _end - _start;
        if (_start == 0)
        {
            var grown = new byte[Math.Min(_buffer.Length * 2, _maxLineBytes + 2)];
            Buffer.BlockCopy(_buffer, 0, grown, 0, pending);
            _buffer = grown;
        }
        else
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        }

        _start = 0;
        _end = pending;
    }

    private string Decode(int offset, int count)
    {
        if (count > 0 && _buffer[offset + count - 1] == (byte)'\r')
        {
            count--;
        }

        if (count > _maxLineBytes)
        {
            throw TooLong();
        }

        try
        {
            return CommandProtocol.StrictUtf8.GetString(_buffer, offset, count);
        }
        catch (ArgumentException e)
        {
            throw new CommandProtocolException("line is not valid UTF-8", e);
        }
    }

    private CommandProtocolException TooLong() =>
        new($"line longer than {_maxLineBytes} bytes");
}
