using QRCoder;

namespace EdgeMail.Web.Pairing;

/// <summary>
/// A QR code as a PNG data URL for an &lt;img&gt; (the page's CSP allows data: images only). QRCoder's PngByteQRCode
/// writes the PNG itself, with no System.Drawing or native library; error correction M (15 %), enough for a screen.
/// </summary>
internal static class QrImage
{
    public static byte[] Png(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    public static string DataUrl(string text) => "data:image/png;base64," + Convert.ToBase64String(Png(text));
}
