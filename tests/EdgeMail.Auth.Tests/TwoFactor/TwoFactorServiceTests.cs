using EdgeMail.Auth.Scram;
using EdgeMail.Auth.TwoFactor;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Testing;

namespace EdgeMail.Auth.Tests.TwoFactor;

public sealed class TwoFactorServiceTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private MailStore _store = null!;
    private TwoFactorService _service = null!;
    private Account _ann = null!;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, _time);
        _service = new TwoFactorService(_store, _time);
        _ann = await _store.CreateAccountAsync("ann@edgemail.local", ScramSecret.Create("ann's main secret"));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>The code an authenticator app shows for this secret at the clock's time plus <paramref name="steps"/> steps.</summary>
    internal static string CodeFor(string base32Secret, TimeProvider time, int steps = 0) =>
        Totp.Code(Base32.Decode(base32Secret)!, time.GetUtcNow() + TimeSpan.FromSeconds(30 * steps));

    [Fact]
    public async Task Begin_gives_a_160_bit_base32_secret_and_its_otpauth_uri_and_stays_pending()
    {
        var begun = await _service.BeginAsync(_ann, default);

        Assert.Equal(TwoFactorOutcome.Pending, begun.Outcome);
        Assert.Matches("^[A-Z2-7]{32}$", begun.Secret);
        Assert.Equal(20, Base32.Decode(begun.Secret!)!.Length);
        Assert.Equal($"otpauth://totp/EdgeMail:ann@edgemail.local?secret={begun.Secret}&issuer=EdgeMail&algorithm=SHA1&digits=6&period=30", begun.Uri);
        Assert.False(await _service.IsEnabledAsync(_ann, default));
    }

    [Fact]
    public async Task Confirm_with_the_current_code_turns_it_on_and_gives_eight_recovery_codes_once()
    {
        var begun = await _service.BeginAsync(_ann, default);
        var confirmed = await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time), default);

        Assert.Equal(TwoFactorOutcome.Enabled, confirmed.Outcome);
        Assert.True(await _service.IsEnabledAsync(_ann, default));
        Assert.Equal(RecoveryCodes.Count, confirmed.RecoveryCodes!.Count);
        Assert.All(confirmed.RecoveryCodes, c => Assert.Matches("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$", c));
        Assert.Equal(RecoveryCodes.Count, confirmed.RecoveryCodes.Distinct().Count());
        Assert.True(RecoveryCodes.Bits >= 50);

        // A second confirm has nothing left to confirm, and shows no codes.
        var again = await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time, 1), default);
        Assert.Equal(TwoFactorOutcome.NothingPending, again.Outcome);
        Assert.Null(again.RecoveryCodes);
    }

    [Fact]
    public async Task Confirm_with_a_wrong_code_leaves_it_pending()
    {
        var begun = await _service.BeginAsync(_ann, default);
        var wrong = await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time, 2), default);

        Assert.Equal(TwoFactorOutcome.WrongCode, wrong.Outcome);
        Assert.False(await _service.IsEnabledAsync(_ann, default));
        Assert.Equal(TwoFactorOutcome.Enabled, (await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time), default)).Outcome);
    }

    [Fact]
    public async Task A_new_begin_replaces_the_pending_secret_and_the_old_one_no_longer_confirms()
    {
        var first = await _service.BeginAsync(_ann, default);
        var second = await _service.BeginAsync(_ann, default);
        Assert.NotEqual(first.Secret, second.Secret);

        Assert.Equal(TwoFactorOutcome.WrongCode, (await _service.ConfirmAsync(_ann, CodeFor(first.Secret!, _time), default)).Outcome);
        Assert.Equal(TwoFactorOutcome.Enabled, (await _service.ConfirmAsync(_ann, CodeFor(second.Secret!, _time), default)).Outcome);
    }

    [Fact]
    public async Task Begin_is_refused_while_it_is_on_and_works_again_after_disable()
    {
        var begun = await _service.BeginAsync(_ann, default);
        await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time), default);

        Assert.Equal(TwoFactorOutcome.AlreadyEnabled, (await _service.BeginAsync(_ann, default)).Outcome);
        Assert.True(await _service.IsEnabledAsync(_ann, default));

        Assert.Equal(TwoFactorOutcome.Disabled, (await _service.DisableAsync(_ann, default)).Outcome);
        Assert.False(await _service.IsEnabledAsync(_ann, default));
        Assert.Equal(TwoFactorOutcome.NotEnabled, (await _service.DisableAsync(_ann, default)).Outcome);
        Assert.Equal(TwoFactorOutcome.Pending, (await _service.BeginAsync(_ann, default)).Outcome);
    }

    [Fact]
    public async Task At_login_a_code_is_accepted_once_and_skew_of_one_step_is_allowed_but_not_two()
    {
        var begun = await _service.BeginAsync(_ann, default);
        await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time), default);

        // The confirming code's step is used: the same code again is a replay.
        Assert.Equal(SecondFactorCheck.Replayed, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time), default)).Check);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SecondFactorCheck.Wrong, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time, -2), default)).Check);
        Assert.Equal(SecondFactorCheck.Wrong, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time, 2), default)).Check);
        Assert.Equal(SecondFactorCheck.Accepted, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time, -1), default)).Check);
        Assert.Equal(SecondFactorCheck.Replayed, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time, -1), default)).Check);
        Assert.Equal(SecondFactorCheck.Accepted, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time, 1), default)).Check);

        // A step before the last accepted one is refused too (RFC 6238 §5.2), though still within the skew.
        Assert.Equal(SecondFactorCheck.Replayed, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time), default)).Check);

        // Apps show "123 456".
        _time.Advance(TimeSpan.FromMinutes(1));
        var spaced = CodeFor(begun.Secret!, _time).Insert(3, " ");
        Assert.Equal(SecondFactorCheck.Accepted, (await _service.VerifyAsync(_ann, spaced, default)).Check);
    }

    [Fact]
    public async Task A_recovery_code_works_once_in_any_case_and_with_or_without_dashes()
    {
        var begun = await _service.BeginAsync(_ann, default);
        var codes = (await _service.ConfirmAsync(_ann, CodeFor(begun.Secret!, _time), default)).RecoveryCodes!;

        var first = await _service.VerifyAsync(_ann, codes[0].ToUpperInvariant(), default);
        Assert.Equal((SecondFactorCheck.RecoveryCodeAccepted, (int?)7), first);
        Assert.Equal(SecondFactorCheck.Wrong, (await _service.VerifyAsync(_ann, codes[0], default)).Check);
        Assert.Equal((SecondFactorCheck.RecoveryCodeAccepted, (int?)6), await _service.VerifyAsync(_ann, codes[1].Replace("-", "", StringComparison.Ordinal), default));
        Assert.Equal(SecondFactorCheck.Wrong, (await _service.VerifyAsync(_ann, "aaaa-bbbb-cccc", default)).Check);
    }

    [Fact]
    public async Task A_pending_enrolment_verifies_nothing()
    {
        var begun = await _service.BeginAsync(_ann, default);
        Assert.Equal(SecondFactorCheck.NotEnabled, (await _service.VerifyAsync(_ann, CodeFor(begun.Secret!, _time), default)).Check);
    }
}
