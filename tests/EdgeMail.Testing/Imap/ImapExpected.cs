using System.Runtime.CompilerServices;

namespace EdgeMail.Testing.Imap;

/// <summary>
/// The "expected ..." text of a possible syntax error, kept as its pieces and joined only when an error is thrown,
/// so that describing every step of the grammar costs nothing on the path where the response is well formed.
/// </summary>
[InterpolatedStringHandler]
internal ref struct ImapExpected
{
    private const int Capacity = 8;
    private string? _p0, _p1, _p2, _p3, _p4, _p5, _p6, _p7;
    private int _count;

    public ImapExpected(int literalLength, int formattedCount)
    {
        _ = literalLength;
        _ = formattedCount;
    }

    public static implicit operator ImapExpected(string text)
    {
        var e = default(ImapExpected);
        e.Add(text);
        return e;
    }

    public void AppendLiteral(string text) => Add(text);

    public void AppendFormatted(string? text) => Add(text ?? string.Empty);

    public void AppendFormatted(ImapExpected inner)
    {
        for (var i = 0; i < inner._count && i < Capacity; i++)
        {
            Add(inner.Part(i));
        }
    }

    public void AppendFormatted<T>(T value) => Add(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);

    private void Add(string text)
    {
        if (_count == Capacity)
        {
            // Past the last slot the text is joined at once (a rare, long description).
            _p7 = string.Concat(_p7, text);
            return;
        }

        switch (_count++)
        {
            case 0: _p0 = text; break;
            case 1: _p1 = text; break;
            case 2: _p2 = text; break;
            case 3: _p3 = text; break;
            case 4: _p4 = text; break;
            case 5: _p5 = text; break;
            case 6: _p6 = text; break;
            default: _p7 = text; break;
        }
    }

    private readonly string Part(int i) => i switch
    {
        0 => _p0!,
        1 => _p1!,
        2 => _p2!,
        3 => _p3!,
        4 => _p4!,
        5 => _p5!,
        6 => _p6!,
        _ => _p7!,
    };

    public override readonly string ToString() => string.Concat(_p0, _p1, _p2, _p3) + string.Concat(_p4, _p5, _p6, _p7);
}
