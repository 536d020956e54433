global using MailKit;
global using MimeKit;
global using EdgeMail.Testing.Corpus;
