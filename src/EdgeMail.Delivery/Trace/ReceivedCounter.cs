namespace EdgeMail.Delivery.Trace;

/// <summary>
/// Counts the Received fields in a message's header as its bytes go by, whatever the write sizes, and stops looking
/// at the empty line that ends the header. A message that has passed through more hosts than a limit is looping
/// (RFC 5321 §6.3: a loop is detected by counting Received headers).
/// </summary>
internal struct ReceivedCounter
{
    private static ReadOnlySpan<byte> Name => "received:"u8;

    private bool _inBody;
    private bool _midLine;
    private int _matched;

    public int Count { get; private set; }

    public void Add(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (_inBody)
            {
                return;
            }

            if (!_midLine)
            {
                if (b is (byte)'\r' or (byte)'\n')
                {
                    _inBody = true; // the empty line: the header has ended
                    return;
                }

                _midLine = true;
                _matched = 0;
            }

            if (_matched >= 0)
            {
                _matched = (b | 0x20) == Name[_matched] ? _matched + 1 : -1; // ASCII lower case; ':' is unchanged by it
                if (_matched == Name.Length)
                {
                    Count++;
                    _matched = -1;
                }
            }

            if (b == '\n')
            {
                _midLine = false;
            }
        }
    }
}
