namespace EdgeMail.CrashHarness;

/// <summary>Reads LF-terminated lines as bytes (the LF and any CR kept), so that what the sink records is what was sent.</summary>
internal sealed class LineReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async Task<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                line.Write(_buffer, _start, lf + 1 - _start);
                _start = lf + 1;
                return line.ToArray();
            }

            line.Write(_buffer, _start, _end - _start);
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                return null;
            }
        }
    }
}
