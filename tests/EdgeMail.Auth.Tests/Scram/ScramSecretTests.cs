using System.Security.Cryptography;
using System.Text;
using EdgeMail.Auth.Scram;

namespace EdgeMail.Auth.Tests.Scram;

public sealed class ScramSecretTests
{
    // RFC 7677 §3: user "user", password "pencil".
    private const string Rfc7677Salt = "W22ZaJ0SNY7soEsUEjb6gQ==";
    private const int Rfc7677Iterations = 4096;
    private const string Rfc7677AuthMessage =
        "n=user,r=rOprNGfwEbeRWgbNEkqO," +
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096," +
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private const string Rfc7677ClientProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private const string Rfc7677ServerSignature = "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    [Fact]
    public void Derive_of_rfc7677_example_gives_server_key_that_signs_the_rfc_server_signature()
    {
        var secret = ScramSecret.Derive("pencil", Convert.FromBase64String(Rfc7677Salt), Rfc7677Iterations);

        var serverSignature = HMACSHA256.HashData(secret.ServerKey, Encoding.UTF8.GetBytes(Rfc7677AuthMessage));

        Assert.Equal(Rfc7677ServerSignature, Convert.ToBase64String(serverSignature));
    }

    [Fact]
    public void Derive_of_rfc7677_example_gives_stored_key_that_accepts_the_rfc_client_proof()
    {
        var secret = ScramSecret.Derive("pencil", Convert.FromBase64String(Rfc7677Salt), Rfc7677Iterations);

        var clientSignature = HMACSHA256.HashData(secret.StoredKey, Encoding.UTF8.GetBytes(Rfc7677AuthMessage));
        var proof = Convert.FromBase64String(Rfc7677ClientProof);
        var clientKey = new byte[proof.Length];
        for (var i = 0; i < proof.Length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }

        Assert.Equal(secret.StoredKey, SHA256.HashData(clientKey));
    }

    [Fact]
    public void Derive_keeps_salt_and_iterations_and_yields_32_byte_keys()
    {
        var salt = Convert.FromBase64String(Rfc7677Salt);
        var secret = ScramSecret.Derive("pencil", salt, Rfc7677Iterations);

        Assert.Equal(salt, secret.Salt);
        Assert.Equal(Rfc7677Iterations, secret.Iterations);
        Assert.Equal(32, secret.StoredKey.Length);
        Assert.Equal(32, secret.ServerKey.Length);
        Assert.NotEqual(secret.StoredKey, secret.ServerKey);
    }

    [Fact]
    public void Verify_accepts_the_right_password()
    {
        var secret = ScramSecret.Create("correct horse battery staple");

        Assert.True(ScramSecret.Verify("correct horse battery staple", secret));
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData("")]
    [InlineData("Correct horse battery staple")]
    [InlineData("correct horse battery staple ")]
    public void Verify_rejects_a_wrong_password(string attempt)
    {
        var secret = ScramSecret.Create("correct horse battery staple");

        Assert.False(ScramSecret.Verify(attempt, secret));
    }

    [Fact]
    public void Verify_accepts_a_non_ascii_password_and_rejects_a_near_miss()
    {
        var secret = ScramSecret.Create("pässwörd✓");

        Assert.True(ScramSecret.Verify("pässwörd✓", secret));
        Assert.False(ScramSecret.Verify("passwörd✓", secret));
    }

    [Fact]
    public void Create_uses_a_fresh_random_salt_each_time()
    {
        var first = ScramSecret.Create("pencil");
        var second = ScramSecret.Create("pencil");

        Assert.Equal(ScramSecret.SaltBytes, first.Salt.Length);
        Assert.NotEqual(first.Salt, second.Salt);
        Assert.NotEqual(first.StoredKey, second.StoredKey);
        Assert.Equal(ScramSecret.DefaultIterations, first.Iterations);
    }
}
