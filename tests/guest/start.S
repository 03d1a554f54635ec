/* SPDX-License-Identifier: MIT */
/*
 * Entry points of the test guest.
 *  _start:      64-bit Linux boot protocol entry (ELF e_entry): long mode,
 *               identity paging, RSI = struct boot_params.
 *  pvh_start32: PVH entry (XEN_ELFNOTE_PHYS32_ENTRY): 32-bit protected
 *               mode, paging off, EBX = struct hvm_start_info.  Builds its
 *               own identity map of 4 GiB and enters long mode.
 *  ap_tramp:    real-mode code the boot CPU copies below 1 MiB for the
 *               INIT-SIPI test; each AP that runs it bumps a counter.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

	.section .note.Xen, "a"
	.align 4
	.long 4				/* namesz */
	.long 4				/* descsz */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long pvh_start32

	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	leaq	stack_top(%rip), %rsp
	pushfq
	popq	%rax
	movq	%rax, entry_rflags(%rip)
	movq	%rsi, %rdi		/* boot_params */
	xorl	%esi, %esi		/* 0: Linux boot protocol */
	call	guest_main
1:	cli
	hlt
	jmp	1b

	.code32
	.globl pvh_start32
pvh_start32:
	cli
	movl	%ebx, %esi		/* keep the start info */
	/* PML4[0] -> PDPT; PDPT[0..3] -> the four PDs; PDs: 2 MiB pages. */
	movl	$pvh_pdpt, %eax
	orl	$3, %eax
	movl	%eax, pvh_pml4
	movl	$0, %ecx
2:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$pvh_pd, %eax
	orl	$3, %eax
	movl	%eax, pvh_pdpt(,%ecx,8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	2b
	movl	$0, %ecx
3:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax
	movl	%eax, pvh_pd(,%ecx,8)
	movl	%ecx, %eax
	shrl	$11, %eax		/* bits 32+ of the 2 MiB frame */
	movl	%eax, pvh_pd+4(,%ecx,8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	3b
	lgdt	gdt64_desc
	movl	%cr4, %eax
	orl	$0x20, %eax		/* PAE */
	movl	%eax, %cr4
	movl	$pvh_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER.LME */
	rdmsr
	orl	$0x100, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$0x80000001, %eax	/* PG | PE */
	movl	%eax, %cr0
	ljmp	$0x10, $pvh_start64

	.code64
pvh_start64:
	movl	$0x18, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	stack_top(%rip), %rsp
	movl	%esi, %edi		/* start info */
	movl	$1, %esi		/* 1: PVH */
	call	guest_main
4:	cli
	hlt
	jmp	4b

	.code16
	.globl ap_tramp, ap_tramp_end, ap_tramp_count, ap_tramp_ids
ap_tramp:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
	movl	$1, %eax		/* CPUID.1 EBX[31:24]: this CPU's APIC ID */
	cpuid
	shrl	$24, %ebx
	movw	$1, %ax
	lock xaddw %ax, (ap_tramp_count - ap_tramp)
	andw	$15, %ax
	movw	%ax, %si
	movb	%bl, (ap_tramp_ids - ap_tramp)(%si)
5:	hlt
	jmp	5b
	.align 2
ap_tramp_count:
	.word	0
ap_tramp_ids:
	.skip	16
ap_tramp_end:

/* mode=hostile-msix: an AP that writes the virtio function's MSI-X
 * message control (enable, function mask: all four combinations, in
 * turn) through 0xcf8/0xcfc as fast as it can, until told to stop. */
	.globl ap_hammer, ap_hammer_end, hm_addr, hm_port, hm_count, hm_stop
ap_hammer:
	cli
	movw	%cs, %ax
	movw	%ax, %ds
6:	movl	(hm_addr - ap_hammer), %eax
	movw	$0xcf8, %dx
	outl	%eax, %dx
	movw	(hm_count - ap_hammer), %ax
	andw	$3, %ax
	shlw	$14, %ax
	movw	(hm_port - ap_hammer), %dx
	outw	%ax, %dx
	lock incl (hm_count - ap_hammer)
	cmpw	$0, (hm_stop - ap_hammer)
	je	6b
	movw	$2, (hm_stop - ap_hammer)
7:	hlt
	jmp	7b
	.align 4
hm_addr:	.long	0
hm_count:	.long	0
hm_port:	.word	0
hm_stop:	.word	0
ap_hammer_end:
	.code64

	.section .rodata
	.align 16
gdt64:
	.quad	0
	.quad	0
	.quad	0x00af9b000000ffff	/* 0x10: 64-bit code */
	.quad	0x00cf93000000ffff	/* 0x18: data */
gdt64_end:
gdt64_desc:
	.word	gdt64_end - gdt64 - 1
	.long	gdt64

	.section .bss
	.align 4096
pvh_pml4:	.skip 4096
pvh_pdpt:	.skip 4096
pvh_pd:		.skip 4 * 4096
	.align 16
	.globl entry_rflags
entry_rflags:	.skip 8
stack:		.skip 16384
stack_top:

/* Interrupt entry for the RX-interrupt test: saves the caller-saved
 * registers, calls irq_com1() and returns with iretq. */
	.text
	.code64
	.globl irq_com1_entry, irq_other_entry, irq_sci_entry
irq_com1_entry:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	cld
	call	irq_com1
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq

irq_other_entry:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	cld
	call	irq_other
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq

irq_sci_entry:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	cld
	call	irq_sci
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	iretq
