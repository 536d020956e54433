namespace EdgeMail.Store.Mime;

/// <summary>
/// Measures a message as it is on the wire with every line ended by CRLF (RFC 5322 §2.3): a bare LF gains a CR,
/// and a last line without an end gains one. This is the size POP3's LIST and STAT report (RFC 1939 §5); it is
/// computed once at delivery so that a POP3 login never reads the bodies to count them.
/// </summary>
internal struct LineEnds
{
    private bool _previousCr;
    private bool _atLineStart;

    public LineEnds()
    {
        _atLineStart = true;
    }

    public long Length { get; private set; }

    public void Add(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk)
        {
            if (b == (byte)'\n')
            {
                Length += _previousCr ? 1 : 2;
                _atLineStart = true;
                _previousCr = false;
                continue;
            }

            Length++;
            _previousCr = b == (byte)'\r';
            _atLineStart = false;
        }
    }

    /// <summary>The length once the last line is ended.</summary>
    public readonly long Complete() => _atLineStart ? Length : Length + (_previousCr ? 1 : 2);
}
