global using MailKit;
global using MimeKit;
