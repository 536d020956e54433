using System.Text;
using System.Xml;

namespace EdgeMail.Web.Autoconfig;

/// <summary>The one way the documents are written and read: XmlWriter and XmlReader (no reflection serializer: Native AOT).</summary>
internal static class XmlDocuments
{
    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        CloseOutput = false,
    };

    /// <summary>The document <paramref name="write"/> writes, as UTF-8 bytes with an XML declaration.</summary>
    public static byte[] Write(Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, WriterSettings))
        {
            writer.WriteStartDocument();
            write(writer);
            writer.WriteEndDocument();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>
    /// Reader settings for XML from the network: no DTD (DtdProcessing.Prohibit: no entity expansion, no external
    /// fetch), no resolver, and a cap on the characters of the document and of entity expansion.
    /// </summary>
    public static XmlReaderSettings UntrustedReader(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };
}
